import './kl-app';
